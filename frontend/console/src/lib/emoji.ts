// The emoji picker's set: common in customer service, grouped, no library needed.
export const EMOJI_GROUPS: { key: string; emoji: string[] }[] = [
  {
    key: "smileys",
    emoji: ["😀", "😃", "😄", "😁", "😊", "🙂", "😉", "😍", "🥰", "😘", "😎", "🤔", "😅", "😂", "🤣", "😇", "🙃", "😌", "😴", "😢", "😭", "😮", "😱", "😡", "🥺", "😬", "🤗", "🤝"],
  },
  {
    key: "gestures",
    emoji: ["👍", "👎", "👌", "👏", "🙏", "💪", "👋", "✌️", "🤞", "🙌", "👀", "🤷"],
  },
  {
    key: "symbols",
    emoji: ["❤️", "💯", "✅", "❌", "⚠️", "❓", "❗", "⭐", "🎉", "🎁", "🔥", "✨", "📦", "🚚", "💳", "💰", "📞", "📧", "🕒", "🔒"],
  },
];
