import { createBrowserRouter, RouterProvider } from "react-router";

import { routes } from "./routes";

// Vite's `base` (/app/) without its trailing slash.
const router = createBrowserRouter(routes, {
  basename: import.meta.env.BASE_URL.replace(/\/$/, ""),
});

export function App() {
  return <RouterProvider router={router} />;
}
