/** The browser's `fetch` streams already. */
export const apiFetch = (request: Request): Promise<Response> => fetch(request);
