import { render } from "preact";
import { App } from "../../components/App";
import "../../components/panel.css";

render(<App />, document.getElementById("app")!);
