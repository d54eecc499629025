/**
 * The API key lives in session storage: it survives a reload but not the tab, and signing out
 * removes it. (Local storage would keep a bearer credential on disk indefinitely.)
 */
const KEY = "dubflow.apiKey";

export function storedApiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeApiKey(apiKey: string): void {
  sessionStorage.setItem(KEY, apiKey);
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(KEY);
}
