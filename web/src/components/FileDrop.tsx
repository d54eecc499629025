import { Group, Stack, Text } from "@mantine/core";
import { Dropzone } from "@mantine/dropzone";
import { type Ref, useImperativeHandle, useRef, useState } from "react";

// MIME types are not always known (e.g. .mkv), so the common extensions count too.
const VIDEO = { "video/*": [".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ts"] };

/** What a page may do with the picker: move keyboard focus to it. */
export interface FileDropHandle {
  focus: () => void;
}

/** Pick or drop one video file (Enter or Space opens the file dialog). */
export function FileDrop({
  onFile,
  compact,
  ref,
}: {
  onFile: (file: File) => void;
  compact: boolean;
  ref?: Ref<FileDropHandle>;
}) {
  const [rejected, setRejected] = useState<string | null>(null);
  // The drop zone's own ref is react-dropzone's (its keyboard handling needs it): focus goes
  // through the first focusable element of this box, which is the drop zone.
  const box = useRef<HTMLDivElement>(null);
  useImperativeHandle(ref, () => ({
    focus: () => box.current?.querySelector<HTMLElement>('[tabindex="0"]')?.focus(),
  }));
  return (
    <Stack gap={4} ref={box}>
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
