import type { InstalledVoice, PresetInfo } from "@dubflow/shared";
import { LANGUAGES, PRESETS } from "@dubflow/shared/src/testing/fixtures";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi, problem } from "../test/fakeApi";
import { renderApp } from "../test/render";

const VOICES: InstalledVoice[] = ["es", "ca"].map((code) => ({
  id: `espeak-${code}`,
  language: code,
  engine: "espeak-ng",
  quality: "formant synthesis: intelligible, robotic",
  licence: "GPL-3.0-or-later",
  default: true,
}));

const CALM: PresetInfo = {
  maxEngineRate: 1.25,
  maxStretch: 1.3,
  backgroundGainDb: 0,
  subtitleMaxChars: 42,
  subtitleMaxLines: 2,
  name: "calm",
  description: "slow and quiet",
  custom: true,
  id: "P1",
  version: 3,
  duckDb: 20,
  loudnessLufs: -23,
  voices: { es: "espeak-es" },
};

function server(mine: PresetInfo[] = [CALM]) {
  return fakeApi()
    .on("GET", "/v1/presets", { body: [...PRESETS, ...mine] })
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/voices", { body: VOICES })
    .on("GET", "/v1/presets/P1", { body: CALM, headers: { ETag: '"3"' } });
}

describe("the presets pages", () => {
  it("list the built-in presets and yours, and delete yours after a confirmation", async () => {
    const api = server().on("DELETE", "/v1/presets/P1", { status: 204 });
    renderApp("/presets");
    const table = await screen.findByRole("table", { name: "Presets" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getByRole("rowheader").textContent)).toEqual([
      expect.stringContaining("default"),
      expect.stringContaining("tight"),
      expect.stringContaining("calmyours, v3"),
    ]);
    expect(rows[2]).toHaveTextContent("−20 dB, -23 LUFS");
    expect(within(rows[0] as HTMLElement).queryByRole("button")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Delete calm" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete calm?" });
    expect(api.calls("DELETE", "/v1/presets/P1")).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete preset" }));
    await vi.waitFor(() => expect(api.calls("DELETE", "/v1/presets/P1")).toHaveLength(1));
  });

  it("say why a preset cannot be deleted", async () => {
    server().on("DELETE", "/v1/presets/P1", problem(409, "preset.in_use"));
    renderApp("/presets");
    await userEvent.click(await screen.findByRole("button", { name: "Delete calm" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete calm?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete preset" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("preset.in_use");
  });

  it("create a preset with a chosen voice and loudness", async () => {
    const api = server([]).on("POST", "/v1/presets", { status: 201, body: CALM });
    const { router } = renderApp("/presets/new");
    await userEvent.type(await screen.findByRole("textbox", { name: /Name/ }), "calm");
    const duck = screen.getByRole("textbox", { name: /Original lowered under the dub/ });
    await userEvent.clear(duck);
    await userEvent.type(duck, "20");
    await userEvent.click(screen.getByRole("checkbox", { name: /Own loudness target/ }));
    // Under a voice select only espeak-ng fills: the piper voice to download for it.
    expect(
      screen.getByRole("combobox", { name: "Spanish voice" }).getAttribute("aria-describedby"),
    ).toBeTruthy();
    expect(
      screen.getByText(/speaks Spanish on this server: .*download piper es_ES-davefx-medium`/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole("combobox", { name: "Spanish voice" }));
    await userEvent.click(await screen.findByRole("option", { name: /^espeak-es:/ }));
    await userEvent.click(screen.getByRole("button", { name: "Create preset" }));

    await vi.waitFor(() => expect(api.calls("POST", "/v1/presets")).toHaveLength(1));
    const [sent] = api.calls("POST", "/v1/presets");
    expect(await sent?.json()).toMatchObject({
      name: "calm",
      duckDb: 20,
      loudnessLufs: -16,
      voices: { es: "espeak-es" },
    });
    await vi.waitFor(() => expect(router.state.location.pathname).toBe("/presets"));
  });

  it("save an edit at the version read, and show a refusal", async () => {
    const api = server().on("PUT", "/v1/presets/P1", problem(412, "preset.version_mismatch"));
    renderApp("/presets/P1");
    const name = await screen.findByRole("textbox", { name: /Name/ });
    expect(name).toHaveValue("calm");
    await userEvent.type(name, "er");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("preset.version_mismatch");
    const [sent] = api.calls("PUT", "/v1/presets/P1");
    expect(sent?.headers.get("If-Match")).toBe('"3"');
    expect(await sent?.json()).toMatchObject({ name: "calmer", loudnessLufs: -23 });
  });
});
