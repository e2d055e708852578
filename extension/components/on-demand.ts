import { h, type FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * A view loaded the first time it is shown (it opens on a click), so the side panel's first load does not carry it:
 * its JavaScript budget is 45 KB gzip. It renders nothing for the moment its file takes to load from the extension.
 */
export function onDemand<P>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let component: FunctionComponent<P> | null = null;
  return (props) => {
    const [loaded, setLoaded] = useState(() => component);
    useEffect(() => {
      if (!loaded) void load().then((c) => setLoaded(() => (component = c)));
    }, []);
    return loaded ? h(loaded, props) : null;
  };
}
