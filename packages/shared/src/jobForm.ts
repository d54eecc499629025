import type { LanguageInfo, PresetInfo, TargetSpec } from "./types";

/**
 * The choices of a new job (or of languages added to one), checked against what the API says
 * its engines can do (`GET /v1/languages`, `GET /v1/presets`) before anything is sent.
 */

export const AUTO = "auto";

export interface TargetChoice {
  language: string;
  preset: string;
}

export interface FormIssue {
  /** The target the issue is about, or null for the form as a whole. */
  target: number | null;
  message: string;
}

export interface Catalogue {
  languages: readonly LanguageInfo[];
  presets: readonly PresetInfo[];
}

/** "Spanish (Español)"; "English" rather than "English (English)". */
export function languageLabel(language: LanguageInfo): string {
  return language.nativeName === language.name
    ? language.name
    : `${language.name} (${language.nativeName})`;
}

function languageName(catalogue: Catalogue, code: string): string {
  return catalogue.languages.find((language) => language.code === code)?.name ?? code;
}

/** Why `target` cannot be dubbed from `source` ("auto" or a code), or null if it can. */
export function unreachableReason(
  catalogue: Catalogue,
  source: string,
  target: LanguageInfo,
): string | null {
  if (source === target.code) {
    return "it is the source language";
  }
  if (source === AUTO) {
    return target.translatableFrom.length === 0
      ? `no installed engine translates into ${target.name}`
      : null;
  }
  return target.translatableFrom.includes(source)
    ? null
    : `no installed engine translates ${languageName(catalogue, source)} into ${target.name}`;
}

export function validateTargets(
  catalogue: Catalogue,
  source: string,
  targets: readonly TargetChoice[],
  existing: readonly string[] = [],
): FormIssue[] {
  const issues: FormIssue[] = [];
  if (source !== AUTO && !catalogue.languages.some((language) => language.code === source)) {
    issues.push({ target: null, message: `The source language "${source}" is not supported.` });
  }
  if (targets.length === 0) {
    issues.push({ target: null, message: "Choose at least one target language." });
  }
  const seen = new Set<string>();
  targets.forEach((choice, index) => {
    const issue = (message: string) => issues.push({ target: index, message });
    const language = catalogue.languages.find((candidate) => candidate.code === choice.language);
    if (choice.language === "") {
      issue("Choose a language.");
    } else if (language === undefined) {
      issue(`"${choice.language}" is not a supported language.`);
    } else if (existing.includes(choice.language)) {
      issue(`The job already has ${language.name}.`);
    } else if (seen.has(choice.language)) {
      issue(`${language.name} is chosen more than once.`);
    } else {
      const reason = unreachableReason(catalogue, source, language);
      if (reason !== null) {
        issue(`${language.name} cannot be chosen: ${reason}.`);
      }
    }
    seen.add(choice.language);
    if (!catalogue.presets.some((preset) => preset.name === choice.preset)) {
      issue(`Choose a preset${choice.preset ? ` ("${choice.preset}" does not exist)` : ""}.`);
    }
  });
  return issues;
}

export function toTargetSpecs(targets: readonly TargetChoice[]): TargetSpec[] {
  return targets.map(({ language, preset }) => ({ language, preset }));
}

/**
 * The same request gets the same Idempotency-Key, so a double click or a retry after a lost
 * response creates one job, not two. (FNV-1a: no crypto needed, and crypto.subtle is missing on
 * plain-HTTP origins other than localhost.)
 */
export function idempotencyKey(scope: string, body: unknown): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(body)) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${scope}-${hash.toString(16).padStart(8, "0")}`;
}
