import { ApiError } from "@/lib/errors";

export interface DiskState {
  exists: boolean;
  content: string | null;
  sha256: string | null;
  mtime: string | null;
}

/** A 409 that carries what is on disk now, so the editor can show both sides instead of overwriting. */
export class SkillConflictError extends ApiError {
  constructor(
    message: string,
    public readonly current: DiskState,
  ) {
    super("conflict", message);
  }

  override toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message }, current: this.current },
      { status: this.status },
    );
  }
}
