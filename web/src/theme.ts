import {
  type CSSVariablesResolver,
  createTheme,
  darken,
  DEFAULT_THEME,
  luminance,
  mergeMantineTheme,
} from "@mantine/core";

/** WCAG 2.2 AA: normal text needs 4.5:1 against its background. */
export const MIN_TEXT_CONTRAST = 4.5;

/** The WCAG contrast ratio of two colors (1 to 21). */
export function contrastRatio(foreground: string, background: string): number {
  const [lighter, darker] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}

/** `color`, darkened in small steps until it reads on every one of `backgrounds`. */
export function readableOn(color: string, backgrounds: string[]): string {
  let readable = color;
  for (let step = 1; step <= 20; step += 1) {
    if (
      backgrounds.every((background) => contrastRatio(readable, background) >= MIN_TEXT_CONTRAST)
    ) {
      return readable;
    }
    readable = darken(color, step * 0.05);
  }
  return readable;
}

export const theme = createTheme({
  primaryColor: "indigo",
  // Shade 8 is the lightest indigo that white text (and indigo text on white) reads on.
  primaryShade: 8,
  // Filled buttons and badges take black or white text, whichever contrasts more: at a luminance
  // of 0.179 both give the same ratio (4.58:1), so the better one is always at least that.
  autoContrast: true,
  luminanceThreshold: 0.179,
  // Transitions (menus, dialogs) are skipped for people whose system asks for less motion.
  respectReducedMotion: true,
  defaultRadius: "md",
  fontFamily:
    "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  components: {
    // A link in a sentence differs from the text around it by more than its color.
    Anchor: { defaultProps: { underline: "always" } },
    Modal: { defaultProps: { closeButtonProps: { "aria-label": "Close" } } },
    // A dialog's title bar is not the page's banner: a <header> there reads as a second one.
    ModalHeader: { defaultProps: { component: "div" } },
  },
});

const resolved = mergeMantineTheme(DEFAULT_THEME, theme);
const WHITE = resolved.white;
const { gray, dark } = resolved.colors;
const primary = resolved.colors[resolved.primaryColor] ?? gray;

/**
 * Mantine's defaults for dimmed text (gray 6 on white, dark 2 on dark 7), for its light variants
 * (shade 9 on shade 1: orange, teal, green, yellow), for colored text (the filled shade on
 * white), for placeholders and for links in the dark scheme fall under 4.5:1. These take the nearest color that reads, in both schemes.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => {
  const light: Record<string, string> = {
    "--mantine-color-dimmed": readableOn(gray[7], [WHITE, gray[0], gray[1]]),
    // A placeholder ("Choose a language") says what a field wants: it is text that must read too.
    "--mantine-color-placeholder": readableOn(gray[6], [WHITE]),
  };
  for (const [name, shades] of Object.entries(resolved.colors)) {
    const onWhite = readableOn(shades[8], [WHITE, gray[0]]);
    light[`--mantine-color-${name}-light-color`] = readableOn(shades[9], [shades[1], WHITE]);
    light[`--mantine-color-${name}-text`] = onWhite;
    light[`--mantine-color-${name}-outline`] = onWhite;
  }
  return {
    variables: {},
    light,
    // Links are shade 3 in the dark scheme (Mantine's shade 4 falls to 3.9:1 on a hovered row).
    dark: {
      "--mantine-color-dimmed": dark[1],
      "--mantine-color-placeholder": dark[1],
      "--mantine-color-anchor": primary[3],
    },
  };
};
