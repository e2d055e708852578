import { h } from "preact";
import {
  ArrowLeft as ArrowLeftNode,
  Ban as BanNode,
  Bot as BotNode,
  Check as CheckNode,
  CheckCheck as CheckCheckNode,
  ChevronDown as ChevronDownNode,
  CircleCheck as CircleCheckNode,
  CircleDot as CircleDotNode,
  Clock as ClockNode,
  FileText as FileTextNode,
  Forward as ForwardNode,
  Image as ImageNode,
  Link as LinkNode,
  LoaderCircle as LoaderCircleNode,
  Lock as LockNode,
  LogOut as LogOutNode,
  MapPin as MapPinNode,
  Megaphone as MegaphoneNode,
  MessageSquarePlus as MessageSquarePlusNode,
  Mic as MicNode,
  Paperclip as PaperclipNode,
  Pencil as PencilNode,
  Receipt as ReceiptNode,
  Settings as SettingsNode,
  ShoppingBag as ShoppingBagNode,
  Smartphone as SmartphoneNode,
  Smile as SmileNode,
  Timer as TimerNode,
  TriangleAlert as TriangleAlertNode,
  UserRound as UserRoundNode,
  Users as UsersNode,
  X as XNode,
  Zap as ZapNode,
  type IconNode,
} from "lucide";

/**
 * The panel's icons: Lucide's SVG shapes, imported by name so the build keeps only these, drawn by this one small
 * Preact component. (lucide-preact draws the same shapes through a runtime of its own — context, class merging,
 * keys — that cost 2.4 KB gzip more for these 31 icons: the panel's budget is 45 KB.) Each icon is drawn in the text's
 * colour, sized by CSS (`svg.lucide`), and hidden from screen readers: the button around it carries the words.
 * A feature loaded on demand (translation) draws its own few icons with this same function, so their shapes load with it.
 */
export function icon(node: IconNode) {
  return (props: { class?: string }) =>
    h(
      "svg",
      {
        class: props.class ? `lucide ${props.class}` : "lucide",
        viewBox: "0 0 24 24",
        fill: "none",
        stroke: "currentColor",
        "stroke-width": 2,
        "stroke-linecap": "round",
        "stroke-linejoin": "round",
        "aria-hidden": "true",
      },
      node.map(([tag, attrs]) => h(tag, attrs)),
    );
}

export const ArrowLeft = icon(ArrowLeftNode);
export const Ban = icon(BanNode);
export const Bot = icon(BotNode);
export const Check = icon(CheckNode);
export const CheckCheck = icon(CheckCheckNode);
export const ChevronDown = icon(ChevronDownNode);
export const CircleCheck = icon(CircleCheckNode);
export const CircleDot = icon(CircleDotNode);
export const Clock = icon(ClockNode);
export const FileText = icon(FileTextNode);
export const Forward = icon(ForwardNode);
export const Image = icon(ImageNode);
export const Link = icon(LinkNode);
export const LoaderCircle = icon(LoaderCircleNode);
export const Lock = icon(LockNode);
export const LogOut = icon(LogOutNode);
export const MapPin = icon(MapPinNode);
export const Megaphone = icon(MegaphoneNode);
export const MessageSquarePlus = icon(MessageSquarePlusNode);
export const Mic = icon(MicNode);
export const Paperclip = icon(PaperclipNode);
export const Pencil = icon(PencilNode);
export const Receipt = icon(ReceiptNode);
export const SettingsIcon = icon(SettingsNode);
export const ShoppingBag = icon(ShoppingBagNode);
export const Smartphone = icon(SmartphoneNode);
export const Smile = icon(SmileNode);
export const Timer = icon(TimerNode);
export const TriangleAlert = icon(TriangleAlertNode);
export const UserRound = icon(UserRoundNode);
export const Users = icon(UsersNode);
export const X = icon(XNode);
export const Zap = icon(ZapNode);
