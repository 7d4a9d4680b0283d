// The directory's pages: the search, the CSV import, one library. "import" comes before
// ":libraryId", so it is not taken for a library's id.
import type { RouteObject } from "react-router";

import { DirectoryPage } from "./DirectoryPage";
import { ImportPage } from "./ImportPage";
import { LibraryPage } from "./LibraryPage";

export const directoryRoutes: RouteObject[] = [
  { path: "libraries", element: <DirectoryPage /> },
  { path: "libraries/import", element: <ImportPage /> },
  { path: "libraries/:libraryId", element: <LibraryPage /> },
];
