/** Your jobs, newest first: filters (status, language, created since), pull to refresh, pages. */
import {
  formatDateTime,
  formatPercent,
  JOB_STATUSES,
  type JobStatus,
  type JobSummary,
} from "@dubflow/shared";
import { Link, router } from "expo-router";
import { useState } from "react";
import { FlatList, Pressable, RefreshControl, StyleSheet, TextInput, View } from "react-native";

import { Button, Label, ProblemNotice, Screen, StatusPill, styles } from "../src/components/ui";
import { type JobListFilters, useJobList } from "../src/queries";
import { useSession } from "../src/session";
import { usePalette } from "../src/theme";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function JobRow({ job }: { job: JobSummary }) {
  const palette = usePalette();
  const languages = job.languages.join(", ");
  return (
    <Link href={`/jobs/${job.id}`} asChild>
      <Pressable
        accessibilityRole="link"
        accessibilityLabel={`Job ${job.id}, ${job.status}, ${job.sourceLanguage} to ${languages}, ${formatPercent(job.progress)}`}
        // One style object: the link passes it on to the pressable as it is.
        style={StyleSheet.flatten([
          styles.problem,
          { borderColor: palette.border, backgroundColor: palette.surface },
        ])}
      >
        <View style={styles.row}>
          <StatusPill status={job.status} />
          <Label>
            {job.sourceLanguage} → {languages}
          </Label>
          <Label muted>{formatPercent(job.progress)}</Label>
        </View>
        <Label muted>{formatDateTime(job.createdAt)}</Label>
      </Pressable>
    </Link>
  );
}

export default function JobsScreen() {
  const palette = usePalette();
  const { signOut } = useSession();
  const [status, setStatus] = useState<JobStatus | null>(null);
  const [language, setLanguage] = useState("");
  const [since, setSince] = useState("");
  const filters: JobListFilters = {
    status,
    language: language.trim() === "" ? null : language.trim(),
    createdAfter: DAY.test(since) ? `${since}T00:00:00Z` : null,
  };
  const jobs = useJobList(filters);
  const items = jobs.data?.pages.flatMap((page) => page.items) ?? [];
  const input = [styles.input, { color: palette.text, borderColor: palette.border, flex: 1 }];

  return (
    <Screen>
      <View style={styles.row}>
        <Button label="New dub" onPress={() => router.push("/new")} />
        <Button label="Sign out" tone="secondary" onPress={() => void signOut()} />
      </View>
      <View style={styles.row} accessibilityRole="radiogroup" accessibilityLabel="Status filter">
        {[null, ...JOB_STATUSES].map((value) => (
          <Button
            key={value ?? "all"}
            label={value ?? "all"}
            hint="Shows only jobs with this status"
            tone="secondary"
            selected={status === value}
            onPress={() => setStatus(value)}
          />
        ))}
      </View>
      <View style={styles.row}>
        <TextInput
          accessibilityLabel="Language filter (code, e.g. es)"
          placeholder="Language (es)"
          placeholderTextColor={palette.muted}
          autoCapitalize="none"
          value={language}
          onChangeText={setLanguage}
          style={input}
        />
        <TextInput
          accessibilityLabel="Created since (YYYY-MM-DD)"
          placeholder="Since YYYY-MM-DD"
          placeholderTextColor={palette.muted}
          value={since}
          onChangeText={setSince}
          style={input}
        />
      </View>
      {jobs.error !== null && <ProblemNotice error={jobs.error} />}
      <FlatList
        data={items}
        keyExtractor={(job) => job.id}
        renderItem={({ item }) => <JobRow job={item} />}
        contentContainerStyle={{ gap: 8 }}
        refreshControl={
          <RefreshControl
            accessibilityLabel="Refresh the jobs"
            refreshing={jobs.isRefetching && !jobs.isFetchingNextPage}
            onRefresh={() => void jobs.refetch()}
          />
        }
        onEndReached={() => {
          if (jobs.hasNextPage && !jobs.isFetchingNextPage) {
            void jobs.fetchNextPage();
          }
        }}
        ListEmptyComponent={
          jobs.isPending ? <Label muted>Loading…</Label> : <Label muted>No jobs match.</Label>
        }
        ListFooterComponent={
          jobs.hasNextPage ? (
            <Button
              label={jobs.isFetchingNextPage ? "Loading…" : "Older jobs"}
              tone="secondary"
              disabled={jobs.isFetchingNextPage}
              onPress={() => void jobs.fetchNextPage()}
            />
          ) : null
        }
      />
    </Screen>
  );
}
