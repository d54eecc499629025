import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";

import { storeApiKey } from "../auth/keyStorage";
import { Providers } from "../providers";
import { routes } from "../routes";

/** The whole app at `path` (its real routes, providers and client), signed in unless told. */
export function renderApp(path: string, { signedIn = true } = {}) {
  if (signedIn) {
    storeApiKey("test-key");
  }
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const view = render(
    <Providers queryClient={queryClient} env="test">
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...view, router, queryClient };
}
