import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import type { SourceUnits, TranslatedUnit, TranslatedUnits } from "@dubflow/shared";
import { fakeApi, problem } from "../test/fakeApi";
import { job, LANGUAGES, PRESETS } from "@dubflow/shared/src/testing/fixtures";
import { renderApp } from "../test/render";
import { formatTimecode, redubSummary } from "./UnitEditor";

const SOURCE: SourceUnits = {
  jobId: "J1",
  language: "en",
  units: [
    {
      id: 0,
      start: 0.42,
      end: 2.9,
      text: "Welcome to Dubflow.",
      originalText: "Welcome to Dubflow.",
      edited: false,
    },
    {
      id: 1,
      start: 63.6,
      end: 66.1,
      text: "Don't ask where it goes.",
      originalText: "Don't ask where it goes.",
      edited: false,
    },
  ],
};

function unit(id: number, text: string, extra: Partial<TranslatedUnit> = {}): TranslatedUnit {
  const source = SOURCE.units[id];
  return {
    id,
    start: source?.start ?? 0,
    end: source?.end ?? 0,
    sourceText: source?.text ?? "",
    text,
    machineText: text,
    edited: false,
    glossaryTerms: id === 0 ? ["Dubflow"] : [],
    translationStale: false,
    speechStale: false,
    ...extra,
  };
}

function spanish(second: TranslatedUnit): TranslatedUnits {
  return {
    jobId: "J1",
    language: "es",
    engine: "apertium",
    glossary: [{ term: "Dubflow", translations: {} }],
    units: [unit(0, "Bienvenidos a Dubflow."), second],
  };
}

function server() {
  let translated = spanish(unit(1, "Pide no adónde va."));
  let version = 1;
  const api = fakeApi()
    .on("GET", "/v1/languages", { body: LANGUAGES })
    .on("GET", "/v1/presets", { body: PRESETS })
    .on("GET", "/v1/jobs/J1", { body: job() })
    .on("GET", "/v1/jobs/J1/units", { body: SOURCE, headers: { ETag: '"source-1"' } })
    .on("GET", "/v1/jobs/J1/languages/:language/units", () => ({
      body: translated,
      headers: { ETag: `"es-${String(version)}"` },
    }))
    .on("PATCH", "/v1/jobs/J1/languages/es/units", async (request) => {
      if (request.headers.get("If-Match") !== `"es-${String(version)}"`) {
        return problem(412, "units.version_mismatch");
      }
      const { edits } = (await request.json()) as { edits: { id: number; text: string }[] };
      const text = edits[0]?.text ?? "";
      translated = spanish(
        unit(1, text, { machineText: "Pide no adónde va.", edited: true, speechStale: true }),
      );
      version += 1;
      return { body: translated, headers: { ETag: `"es-${String(version)}"` } };
    })
    .on("POST", "/v1/jobs/J1/redub", {
      status: 202,
      body: { jobId: "J1", languages: [{ language: "es", retranslate: [], resynthesize: [1] }] },
    });
  return { api, bump: () => (version += 1) };
}

async function openEditor() {
  renderApp("/jobs/J1");
  await userEvent.click(await screen.findByRole("tab", { name: "Editor" }));
  return screen.findByRole("table", { name: "Sentences of Spanish" });
}

describe("the unit editor", () => {
  it("shows source and translation side by side with times, glossary terms and play links", async () => {
    server();
    const table = await openEditor();
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("0:00.4–0:02.9");
    expect(rows[0]).toHaveTextContent("Welcome to Dubflow.");
    expect(within(rows[0] as HTMLElement).getByTitle("Glossary term")).toHaveTextContent("Dubflow");
    expect(
      within(rows[1] as HTMLElement).getByRole("link", { name: "Play from here (1:03.6)" }),
    ).toHaveAttribute("href", "/jobs/J1/watch?lang=es&t=63.6");
    expect(screen.getByTestId("redub-summary")).toHaveTextContent(
      "Nothing changed since the last dub.",
    );
    expect(screen.getByRole("button", { name: "Re-dub changes" })).toBeDisabled();
  });

  it("edits a translation with the version read, then re-dubs only what changed", async () => {
    const { api } = server();
    await openEditor();
    await userEvent.click(screen.getByRole("button", { name: "Edit Spanish sentence at 1:03.6" }));
    const box = screen.getByRole("textbox", { name: "Spanish sentence at 1:03.6" });
    await userEvent.clear(box);
    await userEvent.type(box, "No preguntes adónde va.");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    const [sent] = api.calls("PATCH", "/v1/jobs/J1/languages/es/units");
    expect(sent?.headers.get("If-Match")).toBe('"es-1"');
    expect(await sent?.json()).toEqual({ edits: [{ id: 1, text: "No preguntes adónde va." }] });
    expect(await screen.findByText("spoken again on re-dub")).toBeInTheDocument();
    expect(screen.getByTestId("redub-summary")).toHaveTextContent(
      "A re-dub speaks 1 sentence again, then mixes and packages this language; the other 1 sentence keeps its audio.",
    );

    await userEvent.click(screen.getByRole("button", { name: "Re-dub changes" }));
    expect(await screen.findByText(/Spanish: sentences 1 are spoken again/)).toBeInTheDocument();
    const [redub] = api.calls("POST", "/v1/jobs/J1/redub");
    expect(await redub?.json()).toEqual({ languages: ["es"] });
  });

  it("says when someone else changed the sentences meanwhile, and keeps the draft", async () => {
    const { bump } = server();
    await openEditor();
    bump(); // another editor saved since this page read the units
    await userEvent.click(screen.getByRole("button", { name: "Edit Spanish sentence at 0:00.4" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Spanish sentence at 0:00.4" }), "!");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Someone changed these sentences");
    await waitFor(() =>
      expect(screen.getByRole("textbox", { name: "Spanish sentence at 0:00.4" })).toHaveValue(
        "Bienvenidos a Dubflow.!",
      ),
    );
  });
});

describe("the editor's words", () => {
  it("formats times and summarizes a re-dub", () => {
    expect(formatTimecode(63.64)).toBe("1:03.6");
    expect(formatTimecode(0.42)).toBe("0:00.4");
    const units = [
      unit(0, "a", { translationStale: true }),
      unit(1, "b", { speechStale: true }),
      unit(1, "c"),
    ];
    expect(redubSummary(units)).toBe(
      "A re-dub translates 1 sentence again, speaks 2 sentences again, then mixes and packages this language; the other 1 sentence keeps its audio.",
    );
  });
});
