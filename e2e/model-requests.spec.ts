import { E2E } from "./support/constants";
import { bearer, expect, newSession, send, terminalText, test } from "./support/fixtures";

test("each step's request is shown as the model received it: system prompt, tools, history, masked", async ({
  authed: page,
  request,
}) => {
  const id = await newSession(page, "what the model saw");
  // the access token in a message is a secret: the model gets it masked, and so does this view
  await send(page, `[[cmd: echo seen-by-the-model]] token ${E2E.token}`);
  await expect.poll(() => terminalText(page)).toContain("Ran it. Output:");
  await expect(page.getByTestId("session-status")).toHaveText("idle");

  // the API, as any role that may read: two steps, the call and the answer after its result
  const listed = await request.get(`/api/sessions/${id}/requests`, { headers: bearer });
  expect(listed.status()).toBe(200);
  const { requests } = (await listed.json()) as {
    requests: Array<{ id: string; step: number; bytes: number }>;
  };
  expect(requests.map((r) => r.step)).toEqual([1, 2]);
  const second = await request.get(`/api/sessions/${id}/requests/${requests[1]?.id}`, { headers: bearer });
  const body = JSON.stringify(await second.json());
  expect(body).not.toContain(E2E.token);
  expect(body).toContain("«masked»");
  expect((await request.get(`/api/sessions/${id}/requests/nope`, { headers: bearer })).status()).toBe(404);

  await page.getByTestId("model-requests-link").click();
  await page.waitForURL(new RegExp(`/sessions/${id}/requests$`));
  await expect(page.getByRole("heading", { name: "What the model saw" })).toBeVisible();
  const steps = page.getByTestId("request-steps").getByRole("button");
  await expect(steps).toHaveText([/Turn 1 · step 1/, /Turn 1 · step 2/]);
  // the latest step is open: its system prompt, the tools offered and the history with the tool's result
  const shown = page.getByTestId("model-request");
  await expect(shown.getByTestId("request-system")).toContainText("## Tools");
  await expect(shown.getByTestId("request-tools").getByTestId("request-tool")).not.toHaveCount(0);
  await expect(shown.getByTestId("request-tools")).toContainText("run_command");
  const history = shown.getByTestId("request-history").getByTestId("request-message");
  await expect(history).toHaveCount(3);
  await expect(history.nth(0)).toContainText("«masked»");
  await expect(history.nth(2)).toContainText("seen-by-the-model");
  await expect(page.locator("body")).not.toContainText(E2E.token);
  // the first step had only the user's message
  await steps.first().click();
  await expect(shown.getByTestId("request-history").getByTestId("request-message")).toHaveCount(1);
});
