import { knowledgeObjectsStep } from './knowledge-objects.mjs';
import { buildSetupPage } from './setup-page.mjs';

/**
 * Extension point for build steps owned by other parts of the project.
 *
 * Each step is `async (ctx) => void` and runs, in array order, after src/main.ts has been bundled
 * into the stage and before the allowlisted repo files are copied in. A step that writes into
 * `ctx.stageDir` wins over nothing: the assembly refuses to overwrite a staged file, so a step and
 * the repo can never silently provide the same path. Throw to fail the build (an Error whose
 * message is one line; it is printed as `ERROR build: <message>`).
 *
 * ctx:
 *   root      absolute path of the repo root
 *   stageDir  absolute path of the staged app folder (build/stage/TA-1password-events)
 *   check     true under `node build.mjs --check` (the test suite): verify generated files that
 *             are committed and fail on drift instead of rewriting them
 *
 * @typedef {{ root: string, stageDir: string, check: boolean }} BuildStepContext
 * @type {Array<(ctx: BuildStepContext) => Promise<void>>}
 */
export const extraSteps = [buildSetupPage, knowledgeObjectsStep];
