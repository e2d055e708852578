import { app } from "./app";

export { NumberInbox } from "./number-inbox/NumberInbox";
export { Workspace } from "./workspace/Workspace";
export { Directory } from "./directory/Directory";
export { BenchFloor } from "./bench-probes/BenchFloor";

export default app;
