/** The few building blocks every screen uses, each with its accessibility role and label. */
import {
  type ApiProblem,
  asProblem,
  describeProblem,
  type JobStatus,
  type StageStatus,
} from "@dubflow/shared";
import type { ReactNode } from "react";
import { Pressable, StyleSheet, Text, type TextStyle, View, type ViewStyle } from "react-native";

import { usePalette } from "../theme";

export function Screen({ children, style }: { children: ReactNode; style?: ViewStyle }) {
  const palette = usePalette();
  return (
    <View style={[styles.screen, { backgroundColor: palette.background }, style]}>{children}</View>
  );
}

export function Label({
  children,
  muted = false,
  danger = false,
  style,
  heading = false,
  accessibilityLabel,
}: {
  children: ReactNode;
  muted?: boolean;
  danger?: boolean;
  heading?: boolean;
  style?: TextStyle;
  accessibilityLabel?: string;
}) {
  const palette = usePalette();
  return (
    <Text
      accessibilityRole={heading ? "header" : "text"}
      accessibilityLabel={accessibilityLabel}
      style={[
        { color: danger ? palette.danger : muted ? palette.muted : palette.text },
        heading ? styles.heading : styles.text,
        style,
      ]}
    >
      {children}
    </Text>
  );
}

export function Button({
  label,
  onPress,
  hint,
  disabled = false,
  tone = "primary",
  selected,
}: {
  label: string;
  onPress: () => void;
  hint?: string;
  disabled?: boolean;
  tone?: "primary" | "secondary" | "danger";
  /** For toggles (filters, track choices): announced as selected. */
  selected?: boolean;
}) {
  const palette = usePalette();
  const filled = tone === "primary" || selected === true;
  const color = tone === "danger" ? palette.danger : palette.accent;
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={label}
      accessibilityHint={hint}
      // The aria props, not accessibilityState: react-native-web renders only these.
      aria-disabled={disabled}
      aria-selected={selected}
      disabled={disabled}
      onPress={onPress}
      style={({ pressed }) => [
        styles.button,
        {
          backgroundColor: filled ? color : "transparent",
          borderColor: color,
          opacity: disabled ? 0.5 : pressed ? 0.8 : 1,
        },
      ]}
    >
      <Text style={[styles.buttonText, { color: filled ? palette.onAccent : color }]}>{label}</Text>
    </Pressable>
  );
}

export function StatusPill({ status }: { status: JobStatus | StageStatus }) {
  const palette = usePalette();
  return (
    <Text
      accessibilityLabel={`Status: ${status}`}
      style={[styles.pill, { color: palette.status[status], borderColor: palette.status[status] }]}
    >
      {status}
    </Text>
  );
}

/** A problem as people read it, with the server's detail and the stable code. */
export function ProblemNotice({ error }: { error: unknown }) {
  const palette = usePalette();
  const problem: ApiProblem = asProblem(error);
  const { message } = describeProblem(problem);
  return (
    <View accessibilityRole="alert" style={[styles.problem, { borderColor: palette.danger }]}>
      <Text style={{ color: palette.danger }}>{message}</Text>
      <Text style={{ color: palette.muted }}>
        {problem.detail} ({problem.code})
      </Text>
    </View>
  );
}

export const styles = StyleSheet.create({
  screen: { flex: 1, padding: 16, gap: 12 },
  text: { fontSize: 16 },
  heading: { fontSize: 22, fontWeight: "600" },
  button: {
    minHeight: 44,
    minWidth: 44,
    paddingHorizontal: 14,
    justifyContent: "center",
    alignItems: "center",
    borderRadius: 8,
    borderWidth: 1,
  },
  buttonText: { fontSize: 16, fontWeight: "600" },
  pill: {
    alignSelf: "flex-start",
    borderWidth: 1,
    borderRadius: 10,
    paddingHorizontal: 8,
    paddingVertical: 2,
    fontSize: 14,
  },
  problem: { borderWidth: 1, borderRadius: 8, padding: 10, gap: 4 },
  row: { flexDirection: "row", flexWrap: "wrap", gap: 8, alignItems: "center" },
  input: { borderWidth: 1, borderRadius: 8, padding: 10, fontSize: 16, minHeight: 44 },
});
