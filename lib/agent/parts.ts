// A message's parts are stored as JSON; their schema lives with the database (lib/db/schemas), which
// parses them where they are read. The agent builds them under these names.
export {
  parsePart,
  reasoningPartSchema,
  type StoredPart,
  storedPartSchema,
  type ToolPart,
  textPartSchema,
  toolPartSchema,
} from "@/lib/db/schemas/parts";
