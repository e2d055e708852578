/** The demo workspace from the product brief, seeded by `npm start` and used by the browser tests. */
export const DEMO_PASSWORD = "demo1234";

export const demoWorkspace = {
  workspaceName: "Acme Store",
  admin: { name: "王经理", email: "wang@acme.test", password: DEMO_PASSWORD },
  agents: [
    { key: "lina", name: "李娜", email: "lina@acme.test", role: "agent", team: "presales" },
    { key: "chenwei", name: "陈伟", email: "chenwei@acme.test", role: "agent", team: "presales" },
    { key: "zhangmin", name: "张敏", email: "zhangmin@acme.test", role: "agent", team: "aftersales" },
  ],
  /** The brief's rule: new conversations go in turn to the online people of 售前; 售后 takes transfers. */
  teams: [
    { key: "presales", name: "售前" },
    { key: "aftersales", name: "售后" },
  ],
  rotationTeam: "presales",
  number: { phoneNumberId: "105550100", wabaId: "205550100", displayName: "Acme Store 客服", displayPhoneNumber: "+1 555 0100" },
} as const;
