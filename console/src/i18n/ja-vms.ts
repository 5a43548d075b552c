// Japanese for the vms views (keys are the English text).
export const jaVms: Record<string, string> = {
};
