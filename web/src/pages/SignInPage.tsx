import { type ApiProblem, asProblem } from "@dubflow/shared";
import { Button, Code, Container, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { ProblemAlert } from "../components/ProblemAlert";

/** Where to go after signing in: back where the visitor was sent away from, or a new dub. */
function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") ? from : "/upload";
}

export function SignInPage() {
  const { client, signIn, endedBy } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [apiKey, setApiKey] = useState("");
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [checking, setChecking] = useState(false);

  if (client !== null) {
    return <Navigate to={returnPath(location.state)} replace />;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setProblem(null);
    try {
      await signIn(apiKey);
      await navigate(returnPath(location.state), { replace: true });
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setChecking(false);
    }
  };

  return (
    <Container component="main" size={460} py={{ base: 40, sm: 80 }}>
      <Title ta="center" c="indigo">
        dubflow
      </Title>
      <Text ta="center" c="dimmed" mb="xl">
        Dub your videos into other languages.
      </Text>
      <Paper withBorder shadow="sm" p="xl" radius="md">
        <form onSubmit={(event) => void submit(event)}>
          <Stack>
            {endedBy && problem === null && (
              <ProblemAlert problem={endedBy} title="Your session ended" />
            )}
            <PasswordInput
              label="API key"
              description="Kept in this tab only, until you sign out or close it."
              value={apiKey}
              onChange={(event) => setApiKey(event.currentTarget.value)}
              required
              autoFocus
            />
            {problem && <ProblemAlert problem={problem} />}
            <Button type="submit" loading={checking} disabled={apiKey.trim() === ""}>
              Sign in
            </Button>
            <Text size="xs" c="dimmed">
              No key yet? An operator makes one on the server:{" "}
              <Code>dubflow users create you@example.com</Code> then{" "}
              <Code>dubflow keys create you@example.com</Code>.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
