import { app } from "./app";

export { NumberInbox } from "./number-inbox/NumberInbox";
export { Workspace } from "./workspace/Workspace";
export { Directory } from "./directory/Directory";

export default app;
