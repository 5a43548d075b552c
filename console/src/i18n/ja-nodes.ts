// Japanese for the nodes views (keys are the English text).
export const jaNodes: Record<string, string> = {
};
