import { route } from "@/lib/api/handler";
import { meView } from "@/lib/team/views";

export const dynamic = "force-dynamic";

/** Who the caller is: the install's owner or a team member, with their role. */
export const GET = route(async (_request, _params, { actor }) => Response.json(meView(actor)));
