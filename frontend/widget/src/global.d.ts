/** What the loader and the app chunk share on window (they are built separately). */
interface Window {
  parleyWidget?: {
    mount(config: { inbox: string; locale: string | null; origin: string }): void;
  };
  parleyWidgetLoaded?: boolean;
}
