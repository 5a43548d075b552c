// Japanese for the nmstate views (keys are the English text).
export const jaNmstate: Record<string, string> = {
};
