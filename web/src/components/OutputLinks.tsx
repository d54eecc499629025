import type { LanguageOutputs } from "@dubflow/shared";
import { Anchor, Group } from "@mantine/core";

/** Downloads of one finished language (signed URLs, valid for a few minutes). */
export function OutputLinks({ language, outputs }: { language: string; outputs: LanguageOutputs }) {
  const links = [
    { href: outputs.mp4Url, label: "MP4", file: `${language}.mp4` },
    { href: outputs.vttUrl, label: "Subtitles (VTT)", file: `${language}.vtt` },
    { href: outputs.srtUrl, label: "Subtitles (SRT)", file: `${language}.srt` },
  ];
  return (
    <Group gap="md">
      {links.map((link) => (
        <Anchor key={link.label} href={link.href} download={link.file} size="sm">
          {link.label}
        </Anchor>
      ))}
    </Group>
  );
}
