import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Link, Navigate, type RouteObject } from "react-router";

import { RequireAuth } from "./auth/RequireAuth";
import { Layout } from "./components/Layout";
import { JobDetailPage } from "./pages/JobDetailPage";
import { JobsPage } from "./pages/JobsPage";
import { SignInPage } from "./pages/SignInPage";
import { UploadPage } from "./pages/UploadPage";
import { WatchPage } from "./pages/WatchPage";

function NotFound() {
  return (
    <Stack>
      <Title order={1} size="h2">
        No such page
      </Title>
      <Text>
        <Anchor component={Link} to="/jobs">
          Back to your jobs
        </Anchor>
      </Text>
    </Stack>
  );
}

/** Every page; the API serves the app under /app/ (Vite's `base`). */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignInPage /> },
  {
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/upload" replace /> },
      { path: "/upload", element: <UploadPage /> },
      { path: "/jobs", element: <JobsPage /> },
      { path: "/jobs/:jobId", element: <JobDetailPage /> },
      { path: "/jobs/:jobId/watch", element: <WatchPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
];
