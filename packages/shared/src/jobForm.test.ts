import { CATALOGUE } from "./testing/fixtures";
import { AUTO, idempotencyKey, validateTargets } from "./jobForm";

const messages = (
  source: string,
  targets: { language: string; preset: string }[],
  existing?: string[],
) =>
  validateTargets(CATALOGUE, source, targets, existing).map((issue) => [
    issue.target,
    issue.message,
  ]);

describe("job form validation", () => {
  it("accepts targets the engines translate into, with known presets", () => {
    expect(
      messages("en", [
        { language: "es", preset: "default" },
        { language: "ca", preset: "tight" },
      ]),
    ).toEqual([]);
    expect(messages(AUTO, [{ language: "es", preset: "default" }])).toEqual([]);
  });

  it("needs at least one target", () => {
    expect(messages("en", [])).toEqual([[null, "Choose at least one target language."]]);
  });

  it("names what is wrong with each target", () => {
    expect(
      messages("en", [
        { language: "", preset: "default" },
        { language: "xx", preset: "default" },
        { language: "en", preset: "default" },
        { language: "de", preset: "default" },
        { language: "es", preset: "loud" },
      ]),
    ).toEqual([
      [0, "Choose a language."],
      [1, '"xx" is not a supported language.'],
      [2, "English cannot be chosen: it is the source language."],
      [3, "German cannot be chosen: no installed engine translates English into German."],
      [4, 'Choose a preset ("loud" does not exist).'],
    ]);
  });

  it("refuses a language twice, or one the job already has", () => {
    expect(
      messages("en", [
        { language: "es", preset: "default" },
        { language: "es", preset: "tight" },
      ]),
    ).toEqual([[1, "Spanish is chosen more than once."]]);
    expect(messages("en", [{ language: "es", preset: "default" }], ["es"])).toEqual([
      [0, "The job already has Spanish."],
    ]);
  });

  it("with automatic detection, refuses only languages nothing translates into", () => {
    expect(messages(AUTO, [{ language: "de", preset: "default" }])).toEqual([
      [0, "German cannot be chosen: no installed engine translates into German."],
    ]);
  });

  it("refuses a source language the API does not list", () => {
    expect(messages("xx", [])[0]).toEqual([null, 'The source language "xx" is not supported.']);
  });
});

describe("idempotency keys", () => {
  it("are the same for the same request and differ for another", () => {
    const body = { uploadId: "U1", targets: [{ language: "es", preset: "default" }] };
    expect(idempotencyKey("job", body)).toBe(idempotencyKey("job", structuredClone(body)));
    expect(idempotencyKey("job", body)).not.toBe(
      idempotencyKey("job", { ...body, targets: [{ language: "ca", preset: "default" }] }),
    );
    expect(idempotencyKey("job", body)).toMatch(/^job-[0-9a-f]{8}$/);
  });
});
