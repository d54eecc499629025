// @ts-check
// The TypeScript rules every JavaScript workspace (web, mobile, packages/shared) lints with; each
// workspace's eslint.config.js adds what is its own (React hooks, ignored build output).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** @param {string} rootDir the workspace whose tsconfig types the files */
export function typedConfig(rootDir) {
  return [
    js.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir: rootDir },
      },
      rules: {
        // Numbers in template literals read fine ("part 2 of 3").
        "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
        // `onClick={() => setOpen(true)}` is how React handlers read.
        "@typescript-eslint/no-confusing-void-expression": [
          "error",
          { ignoreArrowShorthand: true },
        ],
      },
    },
    { files: ["**/*.js", "**/*.cjs", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  ];
}
