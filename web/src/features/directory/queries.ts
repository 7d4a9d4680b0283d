// The library directory through the gateway: search, one library and its history, changes with
// If-Match, CSV imports (upload, then the job's progress until it ends) and exports.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, authorisedFetch } from "../../api/client";
import { Problem, unwrap, type ProblemBody } from "../../api/problem";
import type { components } from "../../api/schema";

export type Library = components["schemas"]["members.LibraryPublic"];
export type LibraryFields = components["schemas"]["members.LibraryFields"];
export type LibraryType = components["schemas"]["members.LibraryType"];
export type LibraryStatus = components["schemas"]["members.LibraryStatus"];
export type Capability = components["schemas"]["members.Capability"];
export type ImportJob = components["schemas"]["members.DirectoryImportPublic"];
export type LibraryChange = components["schemas"]["members.HistoryEntry"];
export type RejectedRow = components["schemas"]["members.RejectedRowPublic"];

export const LIBRARY_TYPES: LibraryType[] = ["public", "school", "national", "university", "special", "community"];
export const LIBRARY_STATUSES: LibraryStatus[] = ["open", "temporarily_closed", "planned", "closed"];
export const CAPABILITIES: Capability[] = ["internet_access", "public_computers", "digital_content", "training_programmes"];
export const CSV_COLUMNS = [
  "isil", "national_id", "name", "type", "admin_1", "admin_2", "admin_3", "admin_4",
  "address", "latitude", "longitude", "status", "capabilities",
];
export const PAGE_SIZE = 25;

export type Search = { q?: string; country?: string; type?: LibraryType; status?: LibraryStatus };

export function useLibraries(search: Search, cursor: string | undefined) {
  return useQuery({
    queryKey: ["directory", "search", search, cursor ?? null],
    queryFn: async () =>
      unwrap(await api.GET("/api/members/libraries", { params: { query: { ...search, cursor, limit: PAGE_SIZE } } })),
    // The old page stays on screen while the next one loads, so the table does not jump.
    placeholderData: keepPreviousData,
  });
}

export function useLibrary(libraryId: string) {
  return useQuery({
    queryKey: ["directory", "library", libraryId],
    queryFn: async () =>
      unwrap(await api.GET("/api/members/libraries/{library_id}", { params: { path: { library_id: libraryId } } })),
  });
}

export function useLibraryHistory(libraryId: string) {
  return useQuery({
    queryKey: ["directory", "library", libraryId, "history"],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/members/libraries/{library_id}/history", { params: { path: { library_id: libraryId } } }),
      ),
  });
}

export function useUpdateLibrary(library: Library) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (fields: LibraryFields) =>
      unwrap(
        await api.PUT("/api/members/libraries/{library_id}", {
          params: { path: { library_id: library.id }, header: { "If-Match": `"${library.version}"` } },
          body: fields,
        }),
      ),
    onSuccess: (saved) => client.setQueryData(["directory", "library", library.id], saved),
    onSettled: () => client.invalidateQueries({ queryKey: ["directory"] }),
  });
}

export function useStartImport() {
  const client = useQueryClient();
  return useMutation({
    // The file goes as it is, text/csv, streamed from disk by the browser (openapi-fetch would
    // serialise a body; here the File is the body); the service spools and checks it.
    mutationFn: async ({ country, file }: { country: string; file: File }): Promise<ImportJob> => {
      const query = new URLSearchParams({ country, file_name: file.name });
      const url = new URL(`/api/members/libraries/imports?${query}`, location.origin);
      const request = new Request(url, { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
      const response = await authorisedFetch(request);
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok) throw new Problem(response.status, body as ProblemBody | undefined);
      return body as ImportJob;
    },
    onSuccess: (job) => {
      client.setQueryData(["directory", "import", job.id], job);
      void client.invalidateQueries({ queryKey: ["directory", "imports"] });
    },
  });
}

const FINAL = new Set(["completed", "failed"]);

/** The job has ended, well or not: its counts are final. */
export function importEnded(job: ImportJob | undefined): boolean {
  return job !== undefined && FINAL.has(job.status);
}

/** The job, asked again every half second until it has ended. */
export function useImportJob(jobId: string | undefined) {
  const client = useQueryClient();
  const job = useQuery({
    queryKey: ["directory", "import", jobId],
    enabled: jobId !== undefined,
    queryFn: async () =>
      unwrap(await api.GET("/api/members/libraries/imports/{job_id}", { params: { path: { job_id: jobId! } } })),
    refetchInterval: (query) => (importEnded(query.state.data) ? false : 500),
  });
  const ended = importEnded(job.data);
  useEffect(() => {
    // An ended import has changed the directory and its own line in the list of imports.
    if (!ended) return;
    void client.invalidateQueries({ queryKey: ["directory", "imports"] });
    void client.invalidateQueries({ queryKey: ["directory", "search"] });
  }, [ended, client]);
  return job;
}

export function useRejections(job: ImportJob | undefined) {
  return useQuery({
    queryKey: ["directory", "import", job?.id, "rejections"],
    enabled: importEnded(job) && job!.rejected > 0,
    queryFn: async () => {
      // The whole report, page after page: a national file rarely has more than a few hundred bad rows.
      const rows: RejectedRow[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await api.GET("/api/members/libraries/imports/{job_id}/rejections", {
            params: { path: { job_id: job!.id }, query: { cursor, limit: 200 } },
          }),
        );
        rows.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return rows;
    },
  });
}

export function useRecentImports(country: string | undefined) {
  return useQuery({
    queryKey: ["directory", "imports", country ?? "all"],
    queryFn: async () =>
      unwrap(await api.GET("/api/members/libraries/imports", { params: { query: country ? { country } : {} } })),
  });
}

/** Download an export: it needs the access token, so it is fetched, then handed to the browser. */
export async function downloadExport(format: "csv" | "json", search: Search): Promise<void> {
  const query = new URLSearchParams(Object.entries(search).filter(([, v]) => v) as [string, string][]);
  const url = new URL(`/api/members/libraries/export.${format}?${query}`, location.origin);
  const response = await authorisedFetch(new Request(url));
  if (!response.ok) throw new Problem(response.status, await response.json().catch(() => undefined));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `bibliotecas${search.country ? `-${search.country}` : ""}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
}
