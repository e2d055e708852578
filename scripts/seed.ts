import { DEMO_PASSWORD, demoWorkspace } from "./demo-data.ts";

async function call(baseUrl: string, path: string, body: unknown, token?: string, method = "POST"): Promise<Response> {
  return fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what} failed: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Creates the demo workspace through the public API (the same calls an operator makes after deploying),
 * unless its admin can already sign in. Returns the ids the tests need.
 */
export async function seedDemo(baseUrl: string, setupToken: string) {
  const probe = await call(baseUrl, "/sessions", { email: demoWorkspace.admin.email, password: DEMO_PASSWORD });
  if (probe.ok) return { created: false };
  const { workspaceId } = await json<{ workspaceId: string }>(await call(baseUrl, "/setup", demoWorkspace, setupToken), "setup");
  const { token } = await json<{ token: string }>(
    await call(baseUrl, "/sessions", { email: demoWorkspace.admin.email, password: DEMO_PASSWORD }),
    "admin sign-in",
  );
  const ids: Record<string, string> = {};
  for (const agent of demoWorkspace.agents) {
    const created = await json<{ id: string }>(
      await call(baseUrl, "/people", { name: agent.name, email: agent.email, password: DEMO_PASSWORD, role: agent.role }, token),
      `adding ${agent.email}`,
    );
    ids[agent.key] = created.id;
  }
  // Everyone serves the one number, which is what makes assignment among them possible. The operator connects it
  // (setup token), so the deployment's own access token serves it, as on a real deployment set up by its operator;
  // Meta (the simulator) still has to confirm that token reads the number and lists it in its WABA.
  await json(
    await call(baseUrl, "/setup/numbers", { workspaceId, ...demoWorkspace.number, memberIds: demoWorkspace.agents.map((a) => ids[a.key]) }, setupToken),
    "connecting the number",
  );
  const teamIds: Record<string, string> = {};
  for (const team of demoWorkspace.teams) {
    const memberIds = demoWorkspace.agents.filter((a) => a.team === team.key).map((a) => ids[a.key]);
    teamIds[team.key] = (await json<{ id: string }>(await call(baseUrl, "/teams", { name: team.name, memberIds }, token), `team ${team.name}`)).id;
  }
  await json(
    await call(
      baseUrl,
      `/numbers/${demoWorkspace.number.phoneNumberId}/routing`,
      { rotation: [{ type: "team", id: teamIds[demoWorkspace.rotationTeam] }], sticky: { enabled: true, windowDays: 30 } },
      token,
      "PUT",
    ),
    "assignment rules",
  );
  for (const group of demoWorkspace.tagGroups) {
    const { id: groupId } = await json<{ id: string }>(
      await call(baseUrl, "/tag-groups", { name: group.name, singleChoice: group.singleChoice }, token),
      `tag group ${group.name}`,
    );
    for (const [name, color] of group.tags) await json(await call(baseUrl, "/tags", { name, color, groupId }, token), `tag ${name}`);
  }
  for (const attribute of demoWorkspace.attributes) await json(await call(baseUrl, "/attributes", attribute, token), `attribute ${attribute.key}`);
  for (const canned of demoWorkspace.canned) {
    await json(await call(baseUrl, "/canned-responses", { ...canned, company: true }, token), `canned response /${canned.shortcode}`);
  }
  return { created: true, ids };
}
