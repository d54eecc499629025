/** Sign in with the API's address and an API key (or a JWT from the identity provider). */
import { useState } from "react";
import { TextInput } from "react-native";

import { Button, Label, ProblemNotice, Screen, styles } from "../src/components/ui";
import { defaultServer, useSession } from "../src/session";
import { usePalette } from "../src/theme";

export default function SignInScreen() {
  const { signIn } = useSession();
  const palette = usePalette();
  const [server, setServer] = useState(defaultServer);
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = [styles.input, { color: palette.text, borderColor: palette.border }];

  const submit = () => {
    setBusy(true);
    setError(null);
    signIn({ server: server.trim(), token: token.trim() })
      .catch((problem: unknown) => setError(problem))
      .finally(() => setBusy(false));
  };

  return (
    <Screen>
      <Label heading>dubflow</Label>
      <Label muted>Sign in with the server's address and your API key or access token.</Label>
      <Label>Server</Label>
      <TextInput
        accessibilityLabel="Server address"
        autoCapitalize="none"
        autoCorrect={false}
        inputMode="url"
        value={server}
        onChangeText={setServer}
        style={input}
      />
      <Label>API key or token</Label>
      <TextInput
        accessibilityLabel="API key or token"
        autoCapitalize="none"
        autoCorrect={false}
        secureTextEntry
        value={token}
        onChangeText={setToken}
        onSubmitEditing={submit}
        style={input}
      />
      {error !== null && <ProblemNotice error={error} />}
      <Button
        label={busy ? "Signing in…" : "Sign in"}
        disabled={busy || token.trim() === "" || server.trim() === ""}
        onPress={submit}
      />
    </Screen>
  );
}
