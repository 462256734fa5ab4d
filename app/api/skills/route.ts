import { route } from "@/lib/api/handler";
import { listSkills } from "@/lib/skills/catalog";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const skills = await listSkills();
  return Response.json({ skills: skills.map(({ name, description }) => ({ name, description })) });
});
