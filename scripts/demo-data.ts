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
  tagGroups: [
    { name: "需求类型 / Need", singleChoice: false, tags: [["新用户咨询", "#1a73e8"], ["产品投诉", "#b3261e"], ["订单问题", "#e37400"], ["技术支持", "#5e35b1"]] },
    { name: "紧急程度 / Urgency", singleChoice: false, tags: [["高优先级", "#d93025"]] },
    { name: "客户等级 / Tier", singleChoice: true, tags: [["黄金客户", "#c99a06"], ["白金客户", "#6d7a86"]] },
    { name: "状态 / Status", singleChoice: true, tags: [["待处理", "#f29900"], ["已回复", "#1e8e3e"], ["已解决", "#188038"]] },
  ],
  attributes: [{ key: "备注", labelEn: "Note", labelZh: "备注", type: "text", options: [], agentsCanEdit: true }],
  canned: [
    { shortcode: "thanks", title: "感谢咨询", language: "zh", body: "感谢您的咨询！还有其他问题随时联系我们，祝您生活愉快。" },
    { shortcode: "thanks", title: "Thanks", language: "en", body: "Thanks for reaching out! Message us any time if anything else comes up." },
    { shortcode: "return", title: "退换货", language: "zh", body: "很抱歉商品没能让您满意。收货后 [天数] 天内都可以申请退换，在订单页提交申请后我们会尽快处理。" },
    { shortcode: "return", title: "Returns", language: "en", body: "Sorry the item didn't work out. You can request a return within [天数] days of delivery from your order page, and we'll handle it quickly." },
    { shortcode: "product", title: "产品咨询", language: "zh", body: "谢谢关注！[产品名称] 的特点是 [产品亮点]，特别适合 [目标人群]。还想了解什么都可以问我。" },
    { shortcode: "product", title: "Product enquiry", language: "en", body: "Thanks for your interest! [产品名称] stands out for [产品亮点] and suits [目标人群] best. Ask me anything else." },
    { shortcode: "sorry", title: "投诉安抚", language: "zh", body: "非常理解您的心情，给您添麻烦了。请告诉我具体情况，我马上协调处理并给您一个解决方案。" },
    { shortcode: "sorry", title: "Complaint", language: "en", body: "I understand, and I'm sorry for the trouble. Tell me what happened and I'll sort it out with you right away." },
    { shortcode: "tech", title: "技术支持", language: "zh", body: "抱歉给您带来不便。请先试试 [解决步骤]；如果还不行，请发我 [所需信息]，我来帮您查原因。" },
    { shortcode: "tech", title: "Technical support", language: "en", body: "Sorry about that. Please try [解决步骤] first; if it still fails, send me [所需信息] and I'll look into it." },
  ],
} as const;
