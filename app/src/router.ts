/** Hash routes (#/post/12): the server serves one page at /app/, and the service worker one shell. */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  name: string;
  id: number | null;
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?");
  const [name = "", id] = path.split("/");
  const numeric = id !== undefined && /^\d+$/.test(id) ? Number(id) : null;
  return { name: name || "feed", id: numeric, query: new URLSearchParams(search) };
}

export function navigate(path: string): void {
  location.hash = path.startsWith("#") ? path : `#/${path.replace(/^\//, "")}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
