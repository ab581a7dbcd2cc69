import { z } from 'zod';
import type { AmigoClient } from '../client.js';
import { defineAmigoTool, NOT_FOUND, remember, serviceIdParam, simulationUri } from '../support.js';

// The document's test-conversation family (openapi.json, tag simulations): create-test-conversation,
// then test-conversation-step per caller turn ("no coverage auto-store": a test leaves the service's
// coverage graph alone, unlike simulation-step), simulation-recommend for the caller's next turn
// when none is scripted, simulation-intelligence, then score-simulation-session.

const TEXT_CAP = 500;
const cap = (text: string) => (text.length > TEXT_CAP ? `${text.slice(0, TEXT_CAP - 1)}…` : text);
type Line = { role: 'agent' | 'user'; text: string };

/** The caller's next turn: the script's, or the platform's first suggestion (none: stop). */
async function callerTurn(
  client: AmigoClient,
  sessionId: string,
  script: string[] | undefined,
  i: number,
  signal: AbortSignal,
) {
  if (script) return script[i];
  return (await client.recommendCallerTurns({ session_id: sessionId, n: 1 }, signal)).suggestions[0];
}

/**
 * The intelligence's figures, and the score recorded on the session: score-simulation-session takes
 * 0-100 from its scorer, here the platform's own intelligence, whose quality_score is 0-1 as on
 * calls (CallIntelligenceDetail). [infer] simulation intelligence is untyped in the document.
 */
async function scoreSession(client: AmigoClient, id: string, signal: AbortSignal) {
  const { intelligence } = await client.getSimulationIntelligence(id, signal);
  const scores = Object.fromEntries(
    Object.entries(intelligence).filter((e): e is [string, number] => typeof e[1] === 'number'),
  );
  const quality = scores.quality_score;
  if (quality !== undefined && quality >= 0 && quality <= 1) {
    scores.score = Math.round(quality * 100);
    const rationale = 'quality_score of the session intelligence';
    await client.scoreSimulation(id, { score: scores.score, score_rationale: rationale }, signal);
  }
  return scores;
}

export default defineAmigoTool({
  name: 'amigo_test_service',
  title: 'Test Amigo service',
  description:
    'Runs a scored test conversation with a service (user_turns or suggested turns); full record at amigo://simulations/{session_id}.',
  platform: 'amigo',
  input: {
    service_id: serviceIdParam,
    // Bounds as a refinement (StepRequest caller_text: at most 2000), not repeated in tools/list.
    user_turns: z
      .array(z.string())
      .refine(
        (turns) =>
          turns.length > 0 && turns.length <= 20 && turns.every((t) => t.length > 0 && t.length <= 2000),
        'user_turns must hold 1-20 turns of 1-2000 characters',
      )
      .optional()
      .describe('Scripted user turns.'),
    max_turns: z.number().int().min(1).max(20).default(5).describe('Turn limit.'),
  },
  output: {
    session_id: z.string().describe('Simulation session id.'),
    final_state: z.string().describe('Context graph state reached.'),
    terminal: z.boolean().describe('Whether a terminal state was reached.'),
    transcript: z.array(z.object({ role: z.string(), text: z.string() })).describe('Greeting and turns.'),
    scores: z.record(z.string(), z.number()).describe('score (0-100) and the intelligence figures.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  notFoundHint: NOT_FOUND.service,
  // State names are written by the context graph's author.
  untrusted: ['text', 'final_state'],
  links: (out) => [
    {
      uri: simulationUri(out.session_id),
      name: `Amigo simulation ${out.session_id}`,
      mimeType: 'text/markdown',
    },
  ],
  async run(input, ctx) {
    const { client, signal } = ctx;
    const created = await client.createTestConversation({ service_id: input.service_id }, signal);
    const id = created.session_id;
    remember(ctx.recent, simulationUri(id), `Amigo simulation ${id}`);
    ctx.note(`The simulation session ${id} was created; read it at ${simulationUri(id)}.`);
    const transcript: Line[] = [{ role: 'agent', text: cap(created.greeting) }];
    const total = Math.min(input.max_turns, input.user_turns?.length ?? input.max_turns);
    let state = created.snapshot.current_state.name;
    let terminal = created.is_terminal;
    for (let i = 0; i < total && !terminal; i++) {
      // Cancelled: no further step; the session stays readable at its resource (the document asks
      // for no clean-up: simulation-destroy says nothing of expiry or cost).
      signal.throwIfAborted();
      const caller = await callerTurn(client, id, input.user_turns, i, signal);
      if (caller === undefined) break;
      const { observation } = await client.stepTestConversation(
        { session_id: id, caller_text: caller },
        signal,
      );
      transcript.push(
        { role: 'user', text: cap(caller) },
        { role: 'agent', text: cap(observation.agent_text) },
      );
      state = observation.state_after;
      terminal = observation.is_terminal;
      await ctx.progress(i + 1, total, `turn ${i + 1}: ${observation.state_before} -> ${state}`);
    }
    signal.throwIfAborted();
    const scores = await scoreSession(client, id, signal);
    return { session_id: id, final_state: state, terminal, transcript, scores };
  },
});
