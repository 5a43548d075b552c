// Japanese for the networks views (keys are the English text).
export const jaNetworks: Record<string, string> = {
};
