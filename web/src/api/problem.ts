// RFC 9457 problem details as every service answers them; `code` is stable, so the interface
// branches and translates on it, never on the English title.
import type { components } from "./schema";

export type ProblemBody = components["schemas"]["ProblemDetails"];

export class Problem extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ProblemBody;

  constructor(status: number, body: Partial<ProblemBody> | undefined) {
    const detail = body?.detail ?? body?.title ?? `HTTP ${status}`;
    super(detail);
    this.name = "Problem";
    this.status = status;
    this.code = body?.code ?? `http_${status}`;
    this.body = { status, title: body?.title ?? "", code: this.code, ...body } as ProblemBody;
  }

  /** Each invalid field of a `validation_failed` answer, as "field: message". */
  get fieldErrors(): string[] {
    return (this.body.errors ?? []).map((e) =>
      [(e.location ?? []).filter((p) => p !== "body").join("."), e.message].filter(Boolean).join(": "),
    );
  }
}

/** The data of an openapi-fetch result, or its problem thrown. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new Problem(result.response.status, result.error as Partial<ProblemBody> | undefined);
  }
  return result.data as T;
}
