/**
 * A meeting passcode (Teams) or password (Webex) asked before the pre-join page. The check runs in the page, as
 * the web app's own form does: the pre-join markup stays hidden until the right passcode is given.
 */
export interface PasscodeGate {
  /** The passcode the meeting accepts. */
  expected: string;
  /** The link's query parameter that carries the passcode (Teams `p`); absent: the page always asks. */
  linkParam?: string;
  /**
   * The prompt's markup: its field is `[data-sim-passcode]`, its button `[data-sim-passcode-submit]`, and a
   * hidden `[data-sim-passcode-error]` says a passcode was wrong.
   */
  prompt: string;
}

export function passcodeGate(gate: PasscodeGate, prejoin: string): string {
  const script = `(function () {
  var expected = ${inScript(gate.expected)}, param = ${inScript(gate.linkParam ?? null)};
  var gate = document.querySelector('[data-sim-passcode-gate]');
  var granted = document.querySelector('[data-sim-passcode-granted]');
  var input = gate.querySelector('[data-sim-passcode]');
  var error = gate.querySelector('[data-sim-passcode-error]');
  function pass() { gate.remove(); granted.hidden = false; }
  function ask(wrong) { gate.hidden = false; error.hidden = !wrong; }
  var given = param ? new URLSearchParams(location.search).get(param) : null;
  if (given === expected) pass(); else ask(given !== null);
  gate.querySelector('[data-sim-passcode-submit]').addEventListener('click', function () {
    if (input.value.trim() === expected) pass(); else { input.value = ''; ask(true); }
  });
})();`;
  return `<div data-sim-passcode-gate hidden>${gate.prompt}</div><div data-sim-passcode-granted hidden>${prejoin}</div>
<script>${script}</script>`;
}

/** A value as a script literal that cannot close the script element. */
function inScript(value: string | null): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
