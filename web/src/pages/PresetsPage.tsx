import { asProblem, type PresetInfo, usePresets } from "@dubflow/shared";
import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";

import { useDeletePreset } from "../api/queries";
import { ProblemAlert } from "../components/ProblemAlert";
import { TableScroll } from "../components/TableScroll";

function loudness(preset: PresetInfo): string {
  return preset.loudnessLufs === null || preset.loudnessLufs === undefined
    ? "installation's"
    : `${String(preset.loudnessLufs)} LUFS`;
}

function PresetRow({ preset, onDelete }: { preset: PresetInfo; onDelete: () => void }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" fw="normal">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600}>{preset.name}</Text>
            {preset.custom ? (
              <Badge variant="light">yours, v{preset.version}</Badge>
            ) : (
              <Badge variant="light" color="gray">
                built-in
              </Badge>
            )}
          </Group>
          {preset.description && (
            <Text size="sm" c="dimmed">
              {preset.description}
            </Text>
          )}
        </Stack>
      </Table.Th>
      <Table.Td>
        ×{preset.maxEngineRate} then ×{preset.maxStretch}
      </Table.Td>
      <Table.Td>
        −{preset.duckDb} dB, {loudness(preset)}
      </Table.Td>
      <Table.Td>
        {preset.subtitleMaxLines} × {preset.subtitleMaxChars} chars
      </Table.Td>
      <Table.Td>
        {preset.custom && preset.id && (
          <Group gap="xs" wrap="nowrap">
            <Anchor
              component={Link}
              to={`/presets/${preset.id}`}
              aria-label={`Edit ${preset.name}`}
            >
              Edit
            </Anchor>
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              onClick={onDelete}
              aria-label={`Delete ${preset.name}`}
            >
              Delete
            </Button>
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** The built-in presets and the user's own; create, edit, and delete after a confirmation. */
export function PresetsPage() {
  const presets = usePresets();
  const remove = useDeletePreset();
  const [doomed, setDoomed] = useState<PresetInfo | null>(null);

  if (presets.error) {
    return <ProblemAlert problem={asProblem(presets.error)} />;
  }
  if (presets.data === undefined) {
    return <Loader />;
  }
  const close = () => {
    setDoomed(null);
    remove.reset();
  };
  const confirm = () => {
    if (doomed?.id) {
      remove.mutate(doomed.id, { onSuccess: () => setDoomed(null) });
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Presets
        </Title>
        <Button component={Link} to="/presets/new">
          New preset
        </Button>
      </Group>
      <Text c="dimmed">
        A preset sets a language&apos;s voice, how far speech may be sped up, how the original is
        mixed under the dub, and the subtitle lines. Finished jobs that use one of yours are dubbed
        again, only as far as needed, when you change it.
      </Text>
      <Paper withBorder p="md" radius="md">
        <TableScroll label="Presets table" minWidth={640}>
          <Table aria-label="Presets">
            <Table.Thead>
              <Table.Tr>
                {["Preset", "Speed-up", "Mix", "Subtitles", "Actions"].map((column) => (
                  <Table.Th key={column} scope="col">
                    {column}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {presets.data.map((preset) => (
                <PresetRow
                  key={preset.id ?? preset.name}
                  preset={preset}
                  onDelete={() => setDoomed(preset)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      </Paper>
      <Modal opened={doomed !== null} onClose={close} title={`Delete ${doomed?.name ?? ""}?`}>
        <Stack>
          <Text>Jobs already dubbed with it keep their dub; new jobs can no longer choose it.</Text>
          {remove.error && <ProblemAlert problem={asProblem(remove.error)} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={confirm}>
              Delete preset
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
