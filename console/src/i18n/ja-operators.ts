// Japanese for the operators views (keys are the English text).
export const jaOperators: Record<string, string> = {
};
