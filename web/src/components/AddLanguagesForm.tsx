import {
  asProblem,
  type Catalogue,
  type Job,
  type TargetChoice,
  toTargetSpecs,
  useAddLanguages,
  validateTargets,
} from "@dubflow/shared";
import { Button, Group, Stack } from "@mantine/core";
import { useState } from "react";

import { ProblemAlert } from "./ProblemAlert";
import { TargetsEditor } from "./TargetsEditor";

/** Dubs a finished job into more languages (its transcript and video are reused). */
export function AddLanguagesForm({
  job,
  catalogue,
  onDone,
}: {
  job: Job;
  catalogue: Catalogue;
  onDone: () => void;
}) {
  const existing = job.languages.map((language) => language.language);
  const source = job.detectedLanguage ?? job.sourceLanguage;
  const [targets, setTargets] = useState<TargetChoice[]>([{ language: "", preset: "default" }]);
  const [tried, setTried] = useState(false);
  const add = useAddLanguages(job.id);
  const issues = validateTargets(catalogue, source, targets, existing);

  const submit = () => {
    setTried(true);
    if (issues.length === 0) {
      add.mutate(toTargetSpecs(targets), { onSuccess: onDone });
    }
  };
  return (
    <Stack>
      <TargetsEditor
        catalogue={catalogue}
        source={source}
        targets={targets}
        onChange={setTargets}
        issues={tried ? issues : []}
        existing={existing}
      />
      {add.error && <ProblemAlert problem={asProblem(add.error)} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button loading={add.isPending} onClick={submit}>
          Add and dub
        </Button>
      </Group>
    </Stack>
  );
}
