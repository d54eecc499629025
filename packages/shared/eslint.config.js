// @ts-check
import tseslint from "typescript-eslint";

import { typedConfig } from "../../eslint.base.mjs";

export default tseslint.config(...typedConfig(import.meta.dirname));
