import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { ApiProblem } from "./problem";
import { describeProblem, PROBLEM_MESSAGES } from "./problemMessages";

const ROOT = join(__dirname, "..", "..", "..");

function pythonSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return pythonSources(path);
    }
    return entry.name.endsWith(".py") ? [readFileSync(path, "utf8")] : [];
  });
}

describe("problem messages", () => {
  it("explain every code docs/api.md documents", () => {
    const table = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
    const codes = [...table.matchAll(/^\| (`[^|]+`) \| \d{3}/gm)].flatMap((row) =>
      [...(row[1] ?? "").matchAll(/`([a-z_.]+)`/g)].map((code) => code[1] ?? ""),
    );
    expect(codes.length).toBeGreaterThan(30);
    expect(codes.filter((code) => !(code in PROBLEM_MESSAGES))).toEqual([]);
  });

  it("explain every code the API raises", () => {
    const raised = pythonSources(join(ROOT, "dubbing_api")).flatMap((source) =>
      [...source.matchAll(/Problem\(\s*\d{3},\s*"([a-z_.]+)"/g)].map((match) => match[1] ?? ""),
    );
    // Raised with the upload's status in the code: upload.aborted and upload.rejected.
    const byStatus = ["upload.aborted", "upload.rejected"];
    expect(raised.length).toBeGreaterThan(25);
    expect([...raised, ...byStatus].filter((code) => !(code in PROBLEM_MESSAGES))).toEqual([]);
  });

  it("fall back to the code and the server's detail for a code they do not know", () => {
    expect(describeProblem(new ApiProblem("http.502", 502, "Bad Gateway"))).toEqual({
      message: "The server failed (http.502).",
      detail: "Bad Gateway",
    });
    expect(describeProblem(new ApiProblem("upload.not_media", 422, "no audio"))).toEqual({
      message: PROBLEM_MESSAGES["upload.not_media"],
      detail: "no audio",
    });
  });
});
