import { z } from "zod";
import { defineTool } from "@/lib/tools/types";

export const reloadTools = defineTool({
  name: "reload_tools",
  description:
    "Rescan the tools/ and skills/ folders and report what changed. The next step sees the new skill index and tool list, without a restart.",
  inputSchema: z.object({}),
  summarize: () => "",
  async execute(_input, ctx) {
    const report = await ctx.reload();
    return { state: "completed", output: report, summary: report.split("\n")[0] ?? "" };
  },
});
