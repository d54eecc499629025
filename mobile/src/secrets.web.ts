/**
 * The web build has no keychain (expo-secure-store is native only): the sign-in lasts for the
 * tab, in session storage, as the web app keeps it.
 */
export const readSecret = (key: string): Promise<string | null> =>
  Promise.resolve(sessionStorage.getItem(key));
export const writeSecret = (key: string, value: string): Promise<void> => {
  sessionStorage.setItem(key, value);
  return Promise.resolve();
};
export const deleteSecret = (key: string): Promise<void> => {
  sessionStorage.removeItem(key);
  return Promise.resolve();
};
