/**
 * English and Simplified Chinese. The locale comes from the script tag's data-locale, else the
 * page's <html lang>, else the browser's language, else the inbox's hint — the first that says
 * anything wins, because the site owner knows their page better than we do.
 */

export type Locale = 'en' | 'zh-CN';

const en = {
  open: 'Open chat',
  close: 'Close chat',
  title: 'Chat with us',
  unread: (n: number) => `${n} unread`,
  placeholder: 'Write a message…',
  messageLabel: 'Message',
  send: 'Send',
  emoji: 'Insert emoji',
  emojiPicker: 'Emoji',
  attach: 'Attach a file',
  typing: (name: string) => `${name || 'Agent'} is typing…`,
  you: 'You',
  queued: 'Waiting for connection…',
  sending: 'Sending…',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  offline: 'You are offline. Messages will be sent when you are back.',
  reconnecting: 'Reconnecting…',
  connectError: 'The chat is not available on this page.',
  uploadError: 'The file could not be uploaded.',
  tooLarge: 'That file is too large.',
  typeNotAllowed: 'That type of file cannot be sent.',
  uploadsUnavailable: 'Sending files is not available yet.',
  uploading: (name: string, pct: number) => `Uploading ${name}… ${pct}%`,
  newConversation: 'New conversation',
  name: 'Name',
  email: 'E-mail',
  topic: 'Topic',
  chooseTopic: 'Choose a topic',
  startChat: 'Start chat',
  prechatIntro: 'Tell us a little about you so we can help faster.',
  leaveIntro: 'We are away right now. Leave a message and we will reply by e-mail.',
  leaveBody: 'Message',
  leaveSend: 'Send message',
  leaveThanks: 'Thanks! We got your message and will get back to you.',
  leaveError: 'Your message could not be sent. Please try again.',
  showHistory: 'Show earlier conversation',
  inLine: (n: number) => `You're number ${n} in line`,
  waitMinutes: (m: number) => `about ${m} min`,
  waitLong: 'Waiting too long? Leave a message and we will reply by e-mail.',
  leaveInstead: 'Leave a message',
  backToChat: 'Back to the chat',
  status: {
    open: 'open',
    pending: 'pending',
    resolved: 'resolved',
    queued: 'waiting for an agent',
    bot: 'with the assistant',
    closed: 'closed',
    reopened: 'reopened',
  } as Record<string, string>,
  statusChanged: (s: string) => `The conversation is now ${s}`,
  csatTitle: 'How did we do?',
  csatStar: (n: number) => `${n} of 5`,
  csatComment: 'Anything to add? (optional)',
  csatSend: 'Send rating',
  csatThanks: 'Thank you for your feedback!',
  csatChange: 'Change rating',
  csatClosed: 'This rating can no longer be changed.',
  csatError: 'Your rating could not be sent. Please try again.',
  helpTitle: 'Search help articles',
  helpPlaceholder: 'Type your question…',
  helpNone: (q: string) => `No articles match “${q}”. Write to us below.`,
  helpError: 'The help search is not available right now.',
};

type Strings = typeof en;

const zh: Strings = {
  open: '打开聊天',
  close: '关闭聊天',
  title: '在线客服',
  unread: (n) => `${n} 条未读`,
  placeholder: '输入消息…',
  messageLabel: '消息',
  send: '发送',
  emoji: '插入表情',
  emojiPicker: '表情',
  attach: '发送文件',
  typing: (name) => `${name || '客服'}正在输入…`,
  you: '我',
  queued: '等待网络连接…',
  sending: '发送中…',
  sent: '已发送',
  read: '已读',
  failed: '发送失败',
  offline: '网络已断开，恢复后会自动发送消息。',
  reconnecting: '正在重新连接…',
  connectError: '此页面无法使用在线客服。',
  uploadError: '文件上传失败。',
  tooLarge: '文件太大。',
  typeNotAllowed: '不支持发送此类型的文件。',
  uploadsUnavailable: '暂不支持发送文件。',
  uploading: (name, pct) => `正在上传 ${name}… ${pct}%`,
  newConversation: '新的会话',
  name: '姓名',
  email: '电子邮箱',
  topic: '咨询类型',
  chooseTopic: '请选择',
  startChat: '开始咨询',
  prechatIntro: '请留下您的信息，以便我们更快地帮助您。',
  leaveIntro: '客服暂时不在线。请留言，我们会通过邮件回复您。',
  leaveBody: '留言内容',
  leaveSend: '提交留言',
  leaveThanks: '谢谢！我们已收到您的留言，会尽快回复。',
  leaveError: '留言提交失败，请重试。',
  showHistory: '查看之前的会话',
  inLine: (n) => (n > 1 ? `您前面还有 ${n - 1} 位` : '下一位就是您'),
  waitMinutes: (m) => `预计 ${m} 分钟`,
  waitLong: '等待太久？您可以留言，我们会通过邮件回复您。',
  leaveInstead: '留言',
  backToChat: '返回聊天',
  status: {
    open: '处理中',
    pending: '待回复',
    resolved: '已解决',
    queued: '排队中',
    bot: '智能助手接待中',
    closed: '已关闭',
    reopened: '已重新打开',
  },
  statusChanged: (s) => `会话状态：${s}`,
  csatTitle: '请为本次服务评分',
  csatStar: (n) => `${n} 星（共 5 星）`,
  csatComment: '还有什么想告诉我们的吗？（选填）',
  csatSend: '提交评价',
  csatThanks: '感谢您的评价！',
  csatChange: '修改评价',
  csatClosed: '评价已无法修改。',
  csatError: '评价提交失败，请重试。',
  helpTitle: '搜索帮助文章',
  helpPlaceholder: '请输入您的问题…',
  helpNone: (q) => `没有找到与“${q}”相关的文章，您可以在下方直接给我们留言。`,
  helpError: '帮助搜索暂时不可用。',
};

export function pickLocale(...hints: Array<string | null | undefined>): Locale {
  for (const hint of hints) {
    if (!hint) continue;
    return hint.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  }
  return 'en';
}

export function strings(locale: Locale): Strings {
  return locale === 'zh-CN' ? zh : en;
}

export type { Strings };
