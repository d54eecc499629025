import { Group, Stack, Text } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { type Ref, useState } from "react";

// MIME types are not always known (e.g. .mkv), so the common extensions count too.
const VIDEO = { "video/*": [".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ts"] };

/** Pick or drop one video file (Enter or Space opens the file dialog); `ref` is its focusable box. */
export function FileDrop({
  onFile,
  compact,
  ref,
}: {
  onFile: (file: File) => void;
  compact: boolean;
  ref?: Ref<HTMLDivElement>;
}) {
  const [rejected, setRejected] = useState<string | null>(null);
  return (
    <Stack gap={4}>
      <Dropzone
        onDrop={(files) => {
          const [file] = files;
          if (file !== undefined) {
            setRejected(null);
            onFile(file);
          }
        }}
        onReject={(rejections) =>
          setRejected(`${rejections[0]?.file.name ?? "That file"} is not a video file.`)
        }
        accept={VIDEO}
        multiple={false}
        aria-label="Video file"
        ref={ref}
        p={compact ? "sm" : "xl"}
      >
        <Group justify="center" mih={compact ? 40 : 140} style={{ pointerEvents: "none" }}>
          <Stack gap={4} align="center">
            <Text size={compact ? "sm" : "lg"} fw={500}>
              {compact ? "Pick another video" : "Drop a video here, or click to pick one"}
            </Text>
            {!compact && (
              <Text size="sm" c="dimmed">
                It uploads right away in parts; an interrupted upload resumes when you pick the same
                file again.
              </Text>
            )}
          </Stack>
        </Group>
      </Dropzone>
      {rejected && (
        <Text size="sm" c="red">
          {rejected}
        </Text>
      )}
    </Stack>
  );
}
