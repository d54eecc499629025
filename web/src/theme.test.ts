import { DEFAULT_THEME, luminance, mergeMantineTheme } from "@mantine/core";

import { contrastRatio, cssVariablesResolver, MIN_TEXT_CONTRAST, readableOn, theme } from "./theme";

const resolved = mergeMantineTheme(DEFAULT_THEME, theme);
const { colors, white, black } = resolved;
const variables = cssVariablesResolver(resolved);
const COLORS = Object.keys(colors);

describe("the theme's contrast (WCAG 2.2 AA, 4.5:1 for text)", () => {
  it("measures contrast as WCAG does", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(readableOn("#777777", ["#ffffff"])).not.toBe("#777777");
    expect(contrastRatio(readableOn("#777777", ["#ffffff"]), "#ffffff")).toBeGreaterThanOrEqual(
      MIN_TEXT_CONTRAST,
    );
  });

  it("reads dimmed text on the page and on gray panels, in both schemes", () => {
    const light = variables.light["--mantine-color-dimmed"] ?? "";
    const dark = variables.dark["--mantine-color-dimmed"] ?? "";
    for (const background of [white, colors.gray[0], colors.gray[1]]) {
      expect(contrastRatio(light, background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
    // The dark scheme's body (dark 7) and its default buttons and inputs (dark 6).
    for (const background of [colors.dark[7], colors.dark[6]]) {
      expect(contrastRatio(dark, background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
  });

  it("reads placeholders in the fields of both schemes", () => {
    const light = variables.light["--mantine-color-placeholder"] ?? "";
    const dark = variables.dark["--mantine-color-placeholder"] ?? "";
    expect(contrastRatio(light, white)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    // Fields in the dark scheme are dark 6.
    expect(contrastRatio(dark, colors.dark[6])).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it.each(COLORS)("reads %s light badges and buttons, colored text and outlines", (name) => {
    const shades = colors[name] ?? [];
    const lightColor = variables.light[`--mantine-color-${name}-light-color`] ?? "";
    const text = variables.light[`--mantine-color-${name}-text`] ?? "";
    expect(contrastRatio(lightColor, shades[1] ?? white)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(contrastRatio(text, white)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(variables.light[`--mantine-color-${name}-outline`]).toBe(text);
  });

  it.each(COLORS)("puts readable text on filled %s (black or white, as Mantine picks)", (name) => {
    const filled = colors[name]?.[8] ?? "";
    // Mantine's autoContrast: black text when the color's luminance is over the threshold.
    const picked = luminance(filled) > resolved.luminanceThreshold ? black : white;
    expect(contrastRatio(picked, filled)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it("reads links on the page in both schemes", () => {
    const primary = colors[resolved.primaryColor] ?? [];
    expect(contrastRatio(primary[8] ?? "", white)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    // In the dark scheme: on the page (dark 7), a button or input (dark 6), a hovered row (dark 5).
    const darkAnchor = variables.dark["--mantine-color-anchor"] ?? "";
    for (const background of [colors.dark[7], colors.dark[6], colors.dark[5]]) {
      expect(contrastRatio(darkAnchor, background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
  });
});
