import { E2E } from "./support/constants";
import { bearer, expect, test } from "./support/fixtures";

test("Test connection says plainly whether the endpoint works", async ({ authed: page }) => {
  await page.goto("/settings");
  await expect(page.getByTestId("settings-base-url")).toHaveValue(`http://127.0.0.1:${E2E.llmPort}/v1`);
  await page.getByTestId("settings-test").click();
  await expect(page.getByTestId("test-result")).toContainText("Connected to");
  await page.getByTestId("settings-model").fill("missing-model");
  await page.getByTestId("settings-test").click();
  await expect(page.getByTestId("test-result")).toContainText("was not found");
  await page.getByTestId("settings-model").fill("fake-model");
  await page.getByTestId("settings-api-key").fill("bad-key");
  await page.getByTestId("settings-test").click();
  await expect(page.getByTestId("test-result")).toContainText("rejected the API key");
});

test("saved settings persist, and the API key never reaches the browser", async ({
  authed: page,
  request,
}) => {
  await page.goto("/settings");
  await page.getByTestId("settings-model").fill("fake-model-mini");
  await page.getByTestId("settings-save").click();
  await expect(page.getByTestId("settings-saved")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("settings-model")).toHaveValue("fake-model-mini");
  const body = await (await request.get("/api/settings", { headers: bearer })).text();
  expect(body).not.toContain(E2E.serverEnv({ port: 0, dataDir: "" }).OPENAI_API_KEY);
  expect(JSON.parse(body).model).toMatchObject({ apiKeySet: true, model: "fake-model-mini" });
  await request.put("/api/settings", { headers: bearer, data: { model: "fake-model" } });
});
