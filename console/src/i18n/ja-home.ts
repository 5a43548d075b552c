// Japanese for the home views (keys are the English text).
export const jaHome: Record<string, string> = {
};
